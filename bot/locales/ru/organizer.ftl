organizer-ask-name =
    Станем организатором. Как вас представить покупателям?
    Напишите имя или название (например, «СП у Анны»). Выйти — /cancel.
organizer-name-invalid = Имя должно быть от { $min } до { $max } символов, в одну строку и без ссылок. Попробуйте ещё раз.
organizer-registered =
    Готово, { $name }, вы организатор!
    Дальше: профиль — /organizer.
organizer-profile =
    Профиль организатора: { $name }
    Статус: { $status ->
        [approved] проверен администратором
        [suspended] приостановлен
       *[active] активен
    }
    Пунктов выдачи: { $pickup_points }
