## Как покупка выкупается на самом деле (issue 21): минималка, неплательщики, чёрный список,
## следующий выкуп.

cmd-nonpayers = неплательщики покупки
cmd-blacklist = мой чёрный список покупателей

## Минимальный выкуп.
buyouts-minimum-pieces = { $count } шт
buyouts-minimum-progress = { $reached ->
    [yes] Минималка ({ $minimum }) собрана: { $percent } %.
   *[no] Собрано { $percent } % минималки ({ $minimum }), осталось { $left }.
}
buyouts-minimum-reached = Покупка №{ $id } «{ $title }» набрала минималку ({ $minimum }). Можно готовить выкуп.

## Неплательщики.
buyouts-button-nonpayers = Неплательщики ({ $count })
buyouts-nonpayers-marked = Срок оплаты покупки «{ $title }» ({ $deadline }) прошёл, { $count } { $count ->
    [one] заказ не оплачен
    [few] заказа не оплачены
   *[many] заказов не оплачены
}. Список — по кнопке, там же можно напомнить всем сразу.
buyouts-nonpayers-which = Напишите номер покупки, например /nonpayers 12. Кнопка «Неплательщики» появляется и на карточке покупки, когда срок оплаты прошёл.
buyouts-nonpayers-title = Неплательщики покупки «{ $title }» (срок оплаты { $deadline }): { $count } { $count ->
    [one] заказ
    [few] заказа
   *[many] заказов
}
buyouts-nonpayers-entry = • заказ { $number } — { $buyer }, не оплачено { $owed }
buyouts-nonpayers-hint = Покупатель, не приславший оплату, может попасть в ваш чёрный список: /blacklist и номер его заказа.
buyouts-nonpayers-none = { $passed ->
    [yes] В покупке «{ $title }» неплательщиков нет: всё оплачено или ждёт вашего подтверждения.
   *[no] В покупке «{ $title }» пока нет неплательщиков: заказы отмечаются, когда пройдёт срок оплаты ({ $deadline }).
}
buyouts-button-remind-all = Напомнить всем ({ $count })
buyouts-button-blacklist = Чёрный список
buyouts-nonpayers-not-payable = Покупка в статусе «{ $status }» — оплату сейчас не принимают, напоминать не о чем.
buyouts-nonpayers-nobody = Неплательщиков уже нет — напоминать некому.
buyouts-nonpayer-reminder = Срок оплаты покупки «{ $title }» прошёл ({ $deadline }), а оплата от вас не пришла:
    { $orders }
    Пожалуйста, оплатите или напишите организатору через бота. Оплатить — /pay.
buyouts-nonpayer-reminder-order = • заказ { $number }: { $owed }
buyouts-nonpayers-reminded = Напоминание уйдёт { $count } { $count ->
    [one] покупателю
   *[other] покупателям
}.
buyouts-nonpayers-reminded-today = Сегодня вы уже напоминали этим покупателям — завтра можно снова.
buyouts-order-mark-unpaid = {"   "}⚠ не оплачен в срок
buyouts-order-mark-listed = {"   "}⚠ { $mode ->
    [prepay] в вашем чёрном списке: только по предоплате
   *[refuse] в вашем чёрном списке: заказы не принимаются
}

## Чёрный список.
buyouts-blacklist-mode = { $mode ->
    [prepay] Только предоплата
   *[refuse] Не принимать заказы
}
buyouts-blacklist-title = { $count ->
    [0] Ваш чёрный список пуст.
   *[other] Ваш чёрный список: { $count } { $count ->
        [one] покупатель
        [few] покупателя
       *[many] покупателей
    }
}
buyouts-blacklist-entry = { $index }. { $buyer } (заказ { $number }) — { $mode }. Заметка: { $note }
buyouts-blacklist-explain = Список видите только вы. «Только предоплата»: покупатель может заказать, но ему сразу говорят, что заказ нужно оплатить целиком, как только откроется оплата, до отправки заказа поставщику; неоплаченный заказ вы вправе не выкупать. «Не принимать заказы»: покупателю вежливо отвечают, что вы не принимаете от него заказы.
buyouts-blacklist-button-add = Добавить по номеру заказа
buyouts-blacklist-button-list = « Чёрный список
buyouts-blacklist-button-remove = Убрать { $index }. { $buyer }
buyouts-blacklist-ask-order = Напишите номер заказа этого покупателя в любой вашей покупке (например, из списка заказов или неплательщиков).
buyouts-blacklist-bad-number = «{ $typed }» не похоже на номер заказа. Номер выглядит так: 7KXM-PT2N. Попробуйте ещё раз.
buyouts-blacklist-order-unknown = Заказа { $number } нет в ваших покупках. Проверьте номер в списке заказов покупки.
buyouts-blacklist-self = Это ваш собственный заказ — себя в чёрный список не добавить. Напишите номер заказа покупателя.
buyouts-blacklist-ask-mode = Покупатель заказа { $number }{ $listed ->
    [yes] {" "}уже в вашем списке — выберите новый режим.
   *[no] : что делать с его заказами?
}
buyouts-blacklist-use-buttons = Выберите режим кнопкой под сообщением.
buyouts-blacklist-ask-note = Режим: { $mode }. Напишите заметку для себя (например, «не оплатил осенний выкуп») или пропустите.
buyouts-blacklist-bad-note = Заметка — одна строка до 300 символов. Напишите её ещё раз или пропустите.
buyouts-blacklist-saved = Готово: покупатель заказа { $number } в вашем чёрном списке ({ $mode }).
buyouts-blacklist-entry-gone = Этой записи уже нет в вашем списке.
buyouts-blacklist-remove-confirm = Убрать { $buyer } из чёрного списка?
buyouts-blacklist-removed = { $buyer } больше не в вашем чёрном списке.
buyouts-refused = Организатор «{ $organizer }» не принимает от вас заказы. Посмотрите другие покупки: /purchases
buyouts-prepay-note = Организатор «{ $organizer }» принимает ваши заказы по предоплате: оплатите этот заказ целиком, как только откроется оплата, — без оплаты заказ могут не выкупить.

## Следующий выкуп.
buyouts-button-repeat = Повторить выкуп
buyouts-repeat-not-yet = Повторить можно остановленную, закрытую или отменённую покупку, а эта сейчас в статусе «{ $status }».
buyouts-repeat-ask-stop = Следующий выкуп «{ $title }»: будут скопированы товары с ценами и фото, оргсбор, описание и минималка ({ $minimum }). Напишите новую дату стопа, например { DAY(7) }.
buyouts-repeat-ask-pay = Стоп { $stop }. Теперь срок оплаты, например { DAY(11) }.
buyouts-repeat-created = Черновик №{ $id } «{ $title }» создан: { $items } { $items ->
    [one] товар
    [few] товара
   *[many] товаров
}. Проверьте и откройте его — покупатели прошлого выкупа узнают об этом.
buyouts-repeat-opened = Открыт новый выкуп «{ $title }», стоп { $stop }. Вы заказывали в прошлом — заглядывайте!
buyouts-button-open-purchase = Открыть покупку
