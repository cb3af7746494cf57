## Регистрация организатора и профиль: имя, фото, описание, реквизиты, пункты выдачи.

organizer-ask-name =
    Станем организатором. Как вас представить покупателям?
    Напишите имя или название (например, «СП у Анны»). Выйти — /cancel.
organizer-name-invalid = Имя должно быть от { $min } до { $max } { $max ->
        [one] символа
       *[other] символов
    }, в одну строку и без ссылок. Попробуйте ещё раз.
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
    Фото: { $photo ->
        [yes] есть
       *[no] нет
    }
    О себе: { $about }
    Реквизиты для оплаты: { $payment }
    Пунктов выдачи: { $pickup_points }
    Пункт выдачи выбирают: { $choose ->
        [yes] покупатели сами
       *[no] вы назначаете
    }

organizer-button-name = Имя
organizer-button-photo = Фото
organizer-button-about = О себе
organizer-button-pay = Реквизиты
organizer-button-points = Пункты выдачи
organizer-button-choose-on = Разрешить покупателям выбирать пункт
organizer-button-choose-off = Запретить покупателям выбирать пункт
organizer-button-purchases = Мои покупки
organizer-button-new-purchase = Новая покупка
organizer-button-back = « Назад
organizer-button-clear = Очистить
organizer-button-remove-photo = Убрать фото
organizer-button-add-point = Добавить пункт выдачи
organizer-button-edit = Изменить
organizer-button-retire = Убрать из списка
organizer-button-retire-yes = Да, убрать
organizer-button-no = Нет
organizer-button-restore = Вернуть в список
organizer-button-skip = Пропустить
organizer-button-keep = Оставить как есть

organizer-ask-new-name =
    Сейчас: { $current }
    Напишите новое имя ({ $min }–{ $max } { $max ->
        [one] символа
       *[other] символов
    }, без ссылок). Выйти — /cancel.
organizer-ask-photo = Пришлите фото для профиля (одно изображение). Выйти — /cancel.
organizer-photo-expected = Нужна фотография: пришлите изображение, а не текст. Выйти — /cancel.
organizer-ask-about = Коротко о себе для покупателей: что вы возите, как работаете (до { $max } { $max ->
        [one] символа
       *[other] символов
    }, без ссылок). Выйти — /cancel.
organizer-about-invalid = Описание — до { $max } { $max ->
        [one] символа
       *[other] символов
    }, без ссылок и служебных символов. Попробуйте ещё раз.
organizer-ask-pay =
    Реквизиты для оплаты: их покупатели увидят, когда будут оплачивать заказ.
    Например: «Карта Т-Банка 2200 0000 0000 0000, получатель Анна А.» (до { $max } { $max ->
        [one] символа
       *[other] символов
    }). Выйти — /cancel.
organizer-pay-invalid = Реквизиты — до { $max } { $max ->
        [one] символа
       *[other] символов
    }, без служебных символов. Попробуйте ещё раз.
organizer-saved = Сохранено.
organizer-choose-on = Теперь покупатели сами выбирают пункт выдачи при заказе.
organizer-choose-off = Теперь пункт выдачи назначаете вы; покупатели его не выбирают.
organizer-button-stale = Эта кнопка уже не к месту. Откройте профиль заново: /organizer.

organizer-points-title = Пункты выдачи (работают: { $count }):
organizer-point-entry = { $number }. { $point }
organizer-point-entry-retired = { $number }. { $point } — убран из списка
organizer-points-empty = Пунктов выдачи пока нет. Добавьте хотя бы один: покупатели увидят адрес и часы работы.
organizer-points-buyers-choose = Покупатели выбирают пункт сами.
organizer-points-buyers-assigned = Пункт выдачи назначаете вы.
organizer-point-not-found = Такого пункта выдачи у вас нет. Список — в профиле: /organizer.
organizer-point-card =
    Пункт выдачи: { $name }
    Адрес: { $address }
    Часы работы: { $hours }
    { $active ->
        [yes] Покупатели его видят.
       *[no] Убран из списка: покупатели его не видят, старые заказы его сохраняют.
    }
organizer-point-ask-name = Название пункта выдачи, например «У метро Сокол» ({ $min }–{ $max } { $max ->
        [one] символа
       *[other] символов
    }). Выйти — /cancel.
organizer-point-ask-name-edit =
    Сейчас: { $current }
    Новое название ({ $min }–{ $max } { $max ->
        [one] символа
       *[other] символов
    }) — или оставьте как есть.
organizer-point-name-invalid = Название — от { $min } до { $max } { $max ->
        [one] символа
       *[other] символов
    }, в одну строку и без ссылок. Попробуйте ещё раз.
organizer-point-ask-address = Адрес пункта выдачи: улица, дом, подъезд или ориентир.
organizer-point-ask-address-edit =
    Сейчас: { $current }
    Новый адрес — или оставьте как есть.
organizer-point-address-invalid = Адрес — от { $min } до { $max } { $max ->
        [one] символа
       *[other] символов
    }, в одну строку и без ссылок. Попробуйте ещё раз.
organizer-point-ask-hours = Часы работы, например «пн–пт 10–19, сб 11–16». Можно пропустить.
organizer-point-ask-hours-edit =
    Сейчас: { $current }
    Новые часы работы — или оставьте как есть.
organizer-point-hours-invalid = Часы работы — до { $max } { $max ->
        [one] символа
       *[other] символов
    }, в одну строку и без ссылок. Попробуйте ещё раз.
organizer-point-added = Пункт выдачи «{ $name }» добавлен.
organizer-point-updated = Пункт выдачи «{ $name }» обновлён.
organizer-point-retire-confirm = Убрать пункт «{ $name }» из списка? Покупатели перестанут его видеть; уже сделанные заказы сохранят его.
organizer-point-retired = Пункт «{ $name }» убран из списка.
organizer-point-restored = Пункт «{ $name }» снова в списке.
